package rt0

import (
	"debug/dwarf"
	"fmt"
	"os"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"unsafe"

	"rt0probe/internal/layout"
)

// getg returns the running g's address (getg_<arch>.s).
func getg() uintptr

// The probe's own binary, opened once: the file mapped where this package's
// code is (/proc/self/maps, which qemu-user writes for the guest): the
// executable, or the shared object a c-shared probe was linked into.
var (
	selfOnce sync.Once
	self     *layout.Binary
	selfErr  error
	bias     uintptr // run-time address minus ELF symbol value (0 unless PIE)
)

func anchor() {}

// objectOf is the file mapped at addr, from /proc/self/maps.
func objectOf(addr uintptr) (string, error) {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(maps), "\n") {
		// start-end perms offset dev inode path
		f := strings.Fields(line)
		var lo, hi uint64
		if len(f) < 6 || !strings.HasPrefix(f[5], "/") {
			continue
		}
		if _, err := fmt.Sscanf(f[0], "%x-%x", &lo, &hi); err != nil {
			continue
		}
		if uint64(addr) >= lo && uint64(addr) < hi {
			return strings.Join(f[5:], " "), nil
		}
	}
	return "", fmt.Errorf("no file is mapped at %#x in /proc/self/maps", addr)
}

// binary opens the probe's own executable or shared object. Reading its DWARF allocates
// tens of megabytes; with the collector on, that starts a GC cycle, and
// Go's first cycle creates the gcBgMarkWorker goroutines, which take
// goids and shift every goid the suites check. A probe's observation must
// not move what it observes, so the collector is turned off here, before
// the first read, and stays off: the probes are short and their garbage
// small. (knobs reads GOGC through debug.SetGCPercent before this.)
func binary() (*layout.Binary, error) {
	selfOnce.Do(func() {
		debug.SetGCPercent(-1)
		path, err := objectOf(reflect.ValueOf(anchor).Pointer())
		if err != nil {
			selfErr = err
			return
		}
		self, selfErr = layout.Open(path)
		if selfErr != nil {
			return
		}
		v, _, err := self.Symbol("rt0probe/internal/rt0.anchor")
		if err != nil {
			selfErr = err
			return
		}
		bias = reflect.ValueOf(anchor).Pointer() - uintptr(v)
	})
	return self, selfErr
}

// Offsets of the runtime's structs, as this binary's DWARF has them.
type offsets struct {
	gStack, gGoid, gM, gGoidSize int64
	stackLo, stackHi             int64
	mG0, mID, mP, mProcid        int64
	pGoidcache                   int64
}

var (
	offOnce sync.Once
	off     offsets
	offErr  error
)

func field(s *layout.Struct, name string, dst *int64) {
	if offErr != nil {
		return
	}
	f, err := s.Field(name)
	if err != nil {
		offErr = err
		return
	}
	*dst = f.Offset
}

func structOffsets() (*offsets, error) {
	offOnce.Do(func() {
		b, err := binary()
		if err != nil {
			offErr = err
			return
		}
		b.Find([]string{"runtime.g", "runtime.m", "runtime.p", "runtime.stack"}, nil)
		var s [4]*layout.Struct
		for i, n := range []string{"runtime.g", "runtime.m", "runtime.p", "runtime.stack"} {
			if s[i], offErr = b.Struct(n); offErr != nil {
				return
			}
		}
		field(s[0], "stack", &off.gStack)
		field(s[0], "goid", &off.gGoid)
		field(s[0], "m", &off.gM)
		field(s[1], "g0", &off.mG0)
		field(s[1], "id", &off.mID)
		field(s[1], "p", &off.mP)
		field(s[1], "procid", &off.mProcid)
		field(s[2], "goidcache", &off.pGoidcache)
		field(s[3], "lo", &off.stackLo)
		field(s[3], "hi", &off.stackHi)
		if offErr == nil {
			f, _ := s[0].Field("goid")
			off.gGoidSize = f.Size
		}
	})
	return &off, offErr
}

func peek(addr uintptr) uintptr  { return *(*uintptr)(unsafe.Pointer(addr)) }
func peek64(addr uintptr) uint64 { return *(*uint64)(unsafe.Pointer(addr)) }

// peekN reads an n-byte little-endian-or-not integer the way the machine
// stores it (n is 1, 2, 4 or 8, from DWARF).
func peekN(addr uintptr, n int64) int64 {
	switch n {
	case 1:
		return int64(*(*int8)(unsafe.Pointer(addr)))
	case 2:
		return int64(*(*int16)(unsafe.Pointer(addr)))
	case 4:
		return int64(*(*int32)(unsafe.Pointer(addr)))
	default:
		return *(*int64)(unsafe.Pointer(addr))
	}
}

// G is a snapshot of the running goroutine, read from its g.
type G struct {
	Goid   int64
	Lo, Hi uintptr
	OnG0   bool
	MID    int64
}

// Self reads the running g. It must run on the goroutine it describes (a
// goroutine does not migrate between the getg and the reads: none of them
// can block or grow the stack).
func Self() (G, error) {
	o, err := structOffsets()
	if err != nil {
		return G{}, err
	}
	g := getg()
	m := peek(g + uintptr(o.gM))
	st := g + uintptr(o.gStack)
	return G{
		Goid: peekN(g+uintptr(o.gGoid), o.gGoidSize),
		Lo:   peek(st + uintptr(o.stackLo)),
		Hi:   peek(st + uintptr(o.stackHi)),
		OnG0: m != 0 && peek(m+uintptr(o.mG0)) == g,
		MID:  int64(peek64(m + uintptr(o.mID))),
	}, nil
}

// Procid is the running M's procid, the thread id its minit recorded
// (os_linux.go minit: m.procid = gettid()): the runtime's word, which a
// probe holds against its own gettid on the same thread.
func Procid() (int64, error) {
	o, err := structOffsets()
	if err != nil {
		return 0, err
	}
	m := peek(getg() + uintptr(o.gM))
	return int64(peek64(m + uintptr(o.mProcid))), nil
}

// Goid is the running goroutine's id, or -1 after saying why not.
func Goid() int64 {
	g, err := Self()
	if err != nil {
		Unavailable("the running goroutine's id", err)
		return -1
	}
	return g.Goid
}

// StackBounds is the running goroutine's stack [lo, hi) (rt0_stack_bounds).
// Go's stacks move when they grow: these are the bounds at this moment.
func StackBounds() (lo, hi uintptr, ok bool) {
	g, err := Self()
	if err != nil {
		Unavailable("the running goroutine's stack", err)
		return 0, 0, false
	}
	return g.Lo, g.Hi, true
}

// LastGoid is the id newproc gave the goroutine this one created last on
// its P: newproc1 takes goids from the P's goidcache (proc.go newproc1:
// newg.goid = pp.goidcache; pp.goidcache++), so the cache minus one is the
// id a `go` statement just handed out, what rt0_go returns. Only exact
// while nothing else on this P created a goroutine in between, which the
// probes ensure (one P, no scheduling point between the two).
func LastGoid() (int64, error) {
	o, err := structOffsets()
	if err != nil {
		return 0, err
	}
	m := peek(getg() + uintptr(o.gM))
	p := peek(m + uintptr(o.mP))
	if p == 0 {
		return 0, fmt.Errorf("m.p is nil")
	}
	return int64(peek64(p+uintptr(o.pGoidcache))) - 1, nil
}

// Var is a runtime variable: its address in this process and its type.
type Var struct {
	Addr uintptr
	Type dwarf.Type
}

// LookupVar finds a package-level variable by its linker name
// ("runtime.debug") through the ELF symbol table and its DWARF type.
func LookupVar(name string) (Var, error) {
	b, err := binary()
	if err != nil {
		return Var{}, err
	}
	v, _, err := b.Symbol(name)
	if err != nil {
		return Var{}, err
	}
	t, err := b.VarType(name)
	if err != nil {
		return Var{}, err
	}
	return Var{Addr: uintptr(v) + bias, Type: t}, nil
}

// Int reads an integer or bool variable (or a one-field struct around one,
// such as atomic.Int32, which newer runtimes use for some knobs).
func (v Var) Int() (int64, error) { return readInt(v.Addr, v.Type) }

func readInt(addr uintptr, t dwarf.Type) (int64, error) {
	for {
		td, ok := t.(*dwarf.TypedefType)
		if !ok {
			break
		}
		t = td.Type
	}
	switch tt := t.(type) {
	case *dwarf.IntType, *dwarf.UintType, *dwarf.BoolType, *dwarf.CharType, *dwarf.UcharType:
		return peekN(addr, t.Size()), nil
	case *dwarf.StructType:
		for _, f := range tt.Field {
			if f.Name == "v" || f.Name == "value" {
				return readInt(addr+uintptr(f.ByteOffset), f.Type)
			}
		}
	}
	return 0, fmt.Errorf("%s is not an integer", t)
}

// Member reads the integer member name of a struct variable.
func (v Var) Member(name string) (int64, error) {
	s, err := layout.StructOf(v.Type)
	if err != nil {
		return 0, err
	}
	t := v.Type
	for {
		td, ok := t.(*dwarf.TypedefType)
		if !ok {
			break
		}
		t = td.Type
	}
	for _, f := range t.(*dwarf.StructType).Field {
		if f.Name == name {
			return readInt(v.Addr+uintptr(f.ByteOffset), f.Type)
		}
	}
	return 0, fmt.Errorf("%s has no member %s", s.Name, name)
}

// G0Stack is m0's g0 stack [lo, hi): runtime.m0's g0, read through m.g0.
func G0Stack() (lo, hi uintptr, err error) {
	o, err := structOffsets()
	if err != nil {
		return 0, 0, err
	}
	m0, err := LookupVar("runtime.m0")
	if err != nil {
		return 0, 0, err
	}
	g0 := peek(m0.Addr + uintptr(o.mG0))
	st := g0 + uintptr(o.gStack)
	return peek(st + uintptr(o.stackLo)), peek(st + uintptr(o.stackHi)), nil
}
