//go:build cgo

package rt0

// External link mode is what a cgo program gets: runtime/cgo sets up the
// thread (TLS, the g0 stack from pthreads) and the C library's start-up
// calls Go's main. Without this import a -linkmode=external binary would
// lack runtime/cgo ("loadinternal: cannot find runtime/cgo") and start
// like no real cgo program does.
import _ "runtime/cgo"
