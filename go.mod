module github.com/webbtidbok/webbtidbok

go 1.26.0

require (
	github.com/beevik/etree v1.8.1
	github.com/google/go-cmp v0.7.0
	github.com/hashicorp/go-multierror v1.1.1
)

require github.com/hashicorp/errwrap v1.0.0 // indirect
