// golayout: the sizes and field offsets of the Go runtime's structs and
// the sizes of the base types, read from a Go binary's DWARF, so that no
// offset is ever typed in. Built with the host toolchain; reads a binary
// of any arch (DWARF is arch-neutral), in one pass over its entries that
// stops once every name is found.
//
//	golayout [-json] [-type NAME]... BINARY
//
// Default types: runtime.g, runtime.m, runtime.p, runtime.gobuf,
// runtime.stack, and the base types int8..uint64, float32, float64,
// uintptr, int, uint. Prints rt0 fact lines (conformance/TRACE.md):
//
//	rt0 fact layout.runtime.g.size=392
//	rt0 fact layout.runtime.g.goid.offset=152
//	rt0 fact layout.runtime.g.goid.size=8
//	rt0 fact layout.int8.size=1
//
// or, with -json, one object {"binary", "goversion", "structs": [...],
// "base": {name: size}, "missing": [...]}. A name the binary's DWARF lacks
// is listed as missing (facts: layout.<name>.missing=1) and makes the exit
// status 1.
package main

import (
	"debug/buildinfo"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"rt0probe/internal/layout"
)

var (
	defaultStructs = []string{"runtime.g", "runtime.m", "runtime.p", "runtime.gobuf", "runtime.stack"}
	defaultBase    = []string{"int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
		"float32", "float64", "uintptr", "int", "uint"}
)

type names []string

func (n *names) String() string     { return strings.Join(*n, ",") }
func (n *names) Set(v string) error { *n = append(*n, v); return nil }

type report struct {
	Binary    string            `json:"binary"`
	GoVersion string            `json:"goversion,omitempty"`
	Structs   []*layout.Struct  `json:"structs"`
	Base      map[string]int64  `json:"base"`
	Missing   []string          `json:"missing"`
	Errors    map[string]string `json:"errors,omitempty"`
}

func main() {
	asJSON := flag.Bool("json", false, "print JSON instead of rt0 fact lines")
	var types names
	flag.Var(&types, "type", "a struct type to report (repeatable; replaces the default structs)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: golayout [-json] [-type NAME]... BINARY")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	path := flag.Arg(0)
	structs := defaultStructs
	if len(types) > 0 {
		structs = types
	}
	b, err := layout.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "golayout:", err)
		os.Exit(2)
	}
	defer b.Close()
	r := report{Binary: path, Base: map[string]int64{}, Missing: []string{}, Errors: map[string]string{}}
	if bi, err := buildinfo.ReadFile(path); err == nil {
		r.GoVersion = bi.GoVersion
	}
	b.Find(append(append([]string{}, structs...), defaultBase...), nil)
	for _, n := range structs {
		s, err := b.Struct(n)
		if err != nil {
			r.Missing = append(r.Missing, n)
			r.Errors[n] = err.Error()
			continue
		}
		r.Structs = append(r.Structs, s)
	}
	for _, n := range defaultBase {
		sz, err := b.Size(n)
		if err != nil {
			r.Missing = append(r.Missing, n)
			r.Errors[n] = err.Error()
			continue
		}
		r.Base[n] = sz
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(r)
	} else {
		w := os.Stdout
		if r.GoVersion != "" {
			fmt.Fprintf(w, "rt0 fact layout.goversion=%s\n", r.GoVersion)
		}
		for _, s := range r.Structs {
			fmt.Fprintf(w, "rt0 fact layout.%s.size=%d\n", s.Name, s.Size)
			for _, f := range s.Fields {
				fmt.Fprintf(w, "rt0 fact layout.%s.%s.offset=%d\n", s.Name, f.Name, f.Offset)
				fmt.Fprintf(w, "rt0 fact layout.%s.%s.size=%d\n", s.Name, f.Name, f.Size)
			}
		}
		for _, n := range defaultBase {
			if sz, ok := r.Base[n]; ok {
				fmt.Fprintf(w, "rt0 fact layout.%s.size=%d\n", n, sz)
			}
		}
		for _, n := range r.Missing {
			fmt.Fprintf(w, "rt0 fact layout.%s.missing=1\n", n)
		}
	}
	if len(r.Missing) > 0 {
		for _, n := range r.Missing {
			fmt.Fprintf(os.Stderr, "golayout: %s: %s\n", n, r.Errors[n])
		}
		os.Exit(1)
	}
}
