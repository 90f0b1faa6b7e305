//go:build tools

// Package main records the code generators the module uses, so go.mod
// pins their versions.
package main

import _ "github.com/99designs/gqlgen"
