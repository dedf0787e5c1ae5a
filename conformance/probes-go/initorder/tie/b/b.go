// Package b is initorder's package tie/b (probes/initorder.c).
package b

import (
	"rt0probe/internal/rt0"
)

func init() { rt0.RecordInit("tie/b.0") }

func init() { rt0.RecordInit("tie/b.1") }
