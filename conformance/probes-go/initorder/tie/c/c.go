// Package c is initorder's package tie/c (probes/initorder.c).
package c

import (
	"rt0probe/internal/rt0"
)

func init() { rt0.RecordInit("tie/c.0") }

func init() { rt0.RecordInit("tie/c.1") }
