// Package layout reads struct layouts, base type sizes and variable types
// from a Go binary's DWARF (debug/elf, debug/dwarf: Go 1.19 compresses its
// DWARF sections, which debug/elf undoes). The probes read their own binary
// with it, so no field offset of the runtime is ever typed in: offsets move
// between Go versions (g.goid widened and moved after 1.19), the names stay.
package layout

import (
	"debug/dwarf"
	"debug/elf"
	"fmt"
)

// Field is one member of a struct.
type Field struct {
	Name   string `json:"name"`
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
	Type   string `json:"type"`
}

// Struct is a struct type's size and members, in DWARF order.
type Struct struct {
	Name   string  `json:"name"`
	Size   int64   `json:"size"`
	Fields []Field `json:"fields"`
}

// Binary is one Go executable opened for layout queries.
type Binary struct {
	ELF   *elf.File
	DWARF *dwarf.Data
	// DIE offsets by name, filled by Find.
	types map[string]dwarf.Offset
	vars  map[string]dwarf.Offset
	syms  map[string]elf.Symbol
}

// Open opens path and its DWARF; an error names what is missing (a binary
// built with -ldflags=-w has no DWARF, and then nothing can be read).
func Open(path string) (*Binary, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	d, err := f.DWARF()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: no DWARF (built with -ldflags=-w?): %v", path, err)
	}
	return &Binary{ELF: f, DWARF: d, types: map[string]dwarf.Offset{}, vars: map[string]dwarf.Offset{}}, nil
}

// Close closes the file.
func (b *Binary) Close() error { return b.ELF.Close() }

// Find locates the named types (struct, base and typedef entries) and
// package-level variables in one pass over the DWARF entries, stopping as
// soon as every name is found: walking a whole Go binary's DWARF takes
// about a second under qemu-user, and most of it is not needed.
func (b *Binary) Find(types, vars []string) {
	want := map[string]bool{}
	for _, t := range types {
		if _, ok := b.types[t]; !ok {
			want["t:"+t] = true
		}
	}
	for _, v := range vars {
		if _, ok := b.vars[v]; !ok {
			want["v:"+v] = true
		}
	}
	r := b.DWARF.Reader()
	for len(want) > 0 {
		e, err := r.Next()
		if err != nil || e == nil {
			return
		}
		var key string
		switch e.Tag {
		case dwarf.TagStructType, dwarf.TagBaseType, dwarf.TagTypedef, dwarf.TagPointerType:
			key = "t:"
		case dwarf.TagVariable:
			key = "v:"
		case dwarf.TagSubprogram:
			// Locals live below; package variables never do.
			r.SkipChildren()
			continue
		default:
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		if !want[key+name] {
			continue
		}
		delete(want, key+name)
		if key == "t:" {
			b.types[name] = e.Offset
		} else if t, ok := e.Val(dwarf.AttrType).(dwarf.Offset); ok {
			b.vars[name] = t
		}
	}
}

// Type returns the named type (after Find), or an error naming it.
func (b *Binary) Type(name string) (dwarf.Type, error) {
	b.Find([]string{name}, nil)
	off, ok := b.types[name]
	if !ok {
		return nil, fmt.Errorf("no DWARF type %s", name)
	}
	return b.DWARF.Type(off)
}

// VarType returns the type of the named package-level variable.
func (b *Binary) VarType(name string) (dwarf.Type, error) {
	b.Find(nil, []string{name})
	off, ok := b.vars[name]
	if !ok {
		return nil, fmt.Errorf("no DWARF variable %s", name)
	}
	return b.DWARF.Type(off)
}

// StructOf flattens a struct type.
func StructOf(t dwarf.Type) (*Struct, error) {
	for {
		td, ok := t.(*dwarf.TypedefType)
		if !ok {
			break
		}
		t = td.Type
	}
	st, ok := t.(*dwarf.StructType)
	if !ok {
		return nil, fmt.Errorf("%s is a %T, not a struct", t, t)
	}
	s := &Struct{Name: st.StructName, Size: st.ByteSize}
	for _, f := range st.Field {
		s.Fields = append(s.Fields, Field{Name: f.Name, Offset: f.ByteOffset, Size: f.Type.Size(), Type: f.Type.String()})
	}
	return s, nil
}

// Struct returns the named struct type's layout.
func (b *Binary) Struct(name string) (*Struct, error) {
	t, err := b.Type(name)
	if err != nil {
		return nil, err
	}
	return StructOf(t)
}

// Field returns the named member, or an error naming struct and member.
func (s *Struct) Field(name string) (Field, error) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, nil
		}
	}
	return Field{}, fmt.Errorf("%s has no field %s", s.Name, name)
}

// Size returns the named type's size in bytes.
func (b *Binary) Size(name string) (int64, error) {
	t, err := b.Type(name)
	if err != nil {
		return 0, err
	}
	return t.Size(), nil
}

// Symbol returns an ELF symbol's value and size (.symtab).
func (b *Binary) Symbol(name string) (uint64, uint64, error) {
	if b.syms == nil {
		syms, err := b.ELF.Symbols()
		if err != nil {
			return 0, 0, fmt.Errorf("no symbol table: %v", err)
		}
		b.syms = make(map[string]elf.Symbol, len(syms))
		for _, s := range syms {
			if _, dup := b.syms[s.Name]; !dup {
				b.syms[s.Name] = s
			}
		}
	}
	s, ok := b.syms[name]
	if !ok {
		return 0, 0, fmt.Errorf("no symbol %s", name)
	}
	return s.Value, s.Size, nil
}
