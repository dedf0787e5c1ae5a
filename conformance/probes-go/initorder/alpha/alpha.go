// Package alpha is initorder's package alpha (probes/initorder.c).
package alpha

import (
	_ "rt0probe/initorder/common"
	"rt0probe/internal/rt0"
)

func init() { rt0.RecordInit("alpha.0") }

func init() { rt0.RecordInit("alpha.1") }
