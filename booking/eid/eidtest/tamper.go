package eidtest

import (
	"encoding/json"
	"errors"

	jose "github.com/go-jose/go-jose/v4"
)

// retoken alters and signs again the id_token of a token response.
func (p *Provider) retoken(body []byte, t *Tamper) ([]byte, error) {
	var resp map[string]any
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, err
	}
	raw, ok := resp["id_token"].(string)
	if !ok {
		return nil, errors.New("eidtest: no id_token")
	}
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil {
		return nil, err
	}
	if t.Claims != nil {
		t.Claims(claims)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return nil, err
	}
	k := p.key
	if t.ForeignKey {
		k = p.foreign
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", k.id))
	if err != nil {
		return nil, err
	}
	signed, err := s.Sign(payload)
	if err != nil {
		return nil, err
	}
	if resp["id_token"], err = signed.CompactSerialize(); err != nil {
		return nil, err
	}
	return json.Marshal(resp)
}
