package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// A request whose client went away is not answered and is not a server
// error; a cancellation while the client is still there is.
func TestClientGoneIsNotAServerError(t *testing.T) {
	e := echo.New()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gone := e.NewContext(httptest.NewRequest("GET", "/", nil).WithContext(ctx), httptest.NewRecorder())
	here := e.NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
	wrapped := fmt.Errorf("decide access: %w", context.Canceled)
	if !ClientGone(gone, wrapped) {
		t.Error("a canceled request with a canceled error is the client going away")
	}
	if ClientGone(here, wrapped) {
		t.Error("a live request is never treated as gone")
	}
	if ClientGone(gone, errors.New("disk full")) {
		t.Error("another error on a canceled request is still an error")
	}
}
