package testbook

import (
	"fmt"
	"strconv"
	"time"

	"github.com/webbtidbok/webbtidbok/tidbok"
)

// Citizen returns the i-th of a million made-up citizens (i from 0):
// people born from 1 January 1950 on, a thousand a day, with valid check
// digits.
func Citizen(i int) tidbok.PersonalNumber {
	born := time.Date(1950, time.January, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, i/1000)
	nine := born.Format("060102") + fmt.Sprintf("%03d", i%1000)
	sum := 0
	for k, r := range nine {
		d := int(r - '0')
		if k%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return tidbok.MustPersonalNumber(born.Format("2006")[:2] + nine + strconv.Itoa((10-sum%10)%10))
}
