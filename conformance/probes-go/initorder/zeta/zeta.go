// Package zeta is initorder's package zeta (probes/initorder.c).
package zeta

import (
	_ "rt0probe/initorder/common"
	"rt0probe/internal/rt0"
)

func init() { rt0.RecordInit("zeta.0") }

func init() { rt0.RecordInit("zeta.1") }
