//go:build !linux

package sources

import (
	"os"
	"testing"
)

// The process benchmarks need Linux (pseudo-terminals, /proc).
func BenchmarkProcess(b *testing.B) {
	if os.Getenv("CI") == "true" {
		b.Fatal("BenchmarkProcess needs Linux")
	}
	b.Skip("BenchmarkProcess needs Linux")
}

func BenchmarkFirstScreen(b *testing.B) {
	if os.Getenv("CI") == "true" {
		b.Fatal("BenchmarkFirstScreen needs Linux")
	}
	b.Skip("BenchmarkFirstScreen needs Linux")
}
