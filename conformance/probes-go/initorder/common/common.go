// Package common is initorder's package common (probes/initorder.c).
package common

import (
	"rt0probe/internal/rt0"
)

func init() { rt0.RecordInit("common.0") }

func init() { rt0.RecordInit("common.1") }

func init() { rt0.RecordInit("common.2") }
