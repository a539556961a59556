package console_test

import (
	"os"
	"testing"

	"supportaccess/handlers/internal/handlertest"
)

// TestMain removes the template database the fixtures share after the
// tests.
func TestMain(m *testing.M) { os.Exit(handlertest.Main(m)) }
