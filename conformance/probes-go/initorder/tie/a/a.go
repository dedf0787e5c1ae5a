// Package a is initorder's package tie/a (probes/initorder.c).
package a

import (
	"rt0probe/internal/rt0"
)

func init() { rt0.RecordInit("tie/a.0") }

func init() { rt0.RecordInit("tie/a.1") }
