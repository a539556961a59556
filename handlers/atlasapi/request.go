package atlasapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// maxAPIBody is the largest request body the Admin API reads, the same
// limit the global body-limit middleware enforces.
const maxAPIBody = 64 << 10

// readBody reads a request body up to maxAPIBody. A larger body, even one
// sent without a length, is a 413 in the API's error shape.
func readBody(c echo.Context) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(c.Request().Body, maxAPIBody+1))
	var he *echo.HTTPError
	if errors.As(err, &he) || len(b) > maxAPIBody {
		return nil, &httpx.Problem{Status: http.StatusRequestEntityTooLarge, Code: "REQUEST_TOO_LARGE", Detail: "The request body is larger than 64 KiB."}
	}
	if err != nil {
		return nil, httpx.BadRequest("INVALID_JSON", "", "The request body could not be read.")
	}
	if len(b) > 0 && !jsonMediaType(c.Request().Header.Get(echo.HeaderContentType)) {
		return nil, &httpx.Problem{Status: http.StatusUnsupportedMediaType, Code: "UNSUPPORTED_MEDIA_TYPE",
			Detail: "A request body must be JSON, sent as Content-Type: application/json."}
	}
	// Every JSON body of the API, whatever its fields (grants, settings,
	// Terraform's), is refused whole if a string in it holds a control
	// character: a NUL would be a 500 on PostgreSQL.
	if !httpx.JSONControlFree(b) {
		return nil, httpx.BadRequest("INVALID_INPUT", "", httpx.ErrControlChars)
	}
	return b, nil
}

// jsonMediaType reports whether a Content-Type names JSON: application/json
// or a versioned Atlas type (application/vnd.atlas.2024-08-05+json). A
// form or text/plain body is refused, since a browser may send those
// across sites without asking.
func jsonMediaType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasPrefix(mt, "application/vnd.atlas.") && strings.HasSuffix(mt, "+json")
}

// decodeStrict decodes one JSON object into v, refusing fields v does not
// have, values of the wrong type and anything after the object.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return httpx.BadRequest("INVALID_JSON", "", "The request body is empty; it must be a JSON object.")
		case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
			return httpx.BadRequest("INVALID_JSON", "", "The request body is not valid JSON.")
		case errors.As(err, &typ) && typ.Field != "":
			return httpx.BadRequest("INVALID_ATTRIBUTE", typ.Field, "Attribute %s must be a %s, not a JSON %s.", typ.Field, jsonKind(typ.Type.String()), typ.Value)
		case errors.As(err, &typ):
			return httpx.BadRequest("INVALID_JSON", "", "The request body must be a JSON object, not a JSON %s.", typ.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return httpx.BadRequest("INVALID_ATTRIBUTE", f, "Attribute %q is not part of this request.", f)
		}
		return httpx.BadRequest("INVALID_JSON", "", "The request body is not valid JSON.")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return httpx.BadRequest("INVALID_JSON", "", "The request body must hold one JSON object and nothing after it.")
	}
	return nil
}

// jsonKind names a Go type as a JSON one, for messages.
func jsonKind(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "string", "models.GrantType":
		return "string"
	case "bool":
		return "boolean"
	}
	return goType
}

// pathID reads a 24-hex-digit id from the path. Echo gives a route's
// last parameter the rest of the path, slashes included: a slash means
// a path below the resource that no route serves, so 404.
func pathID(c echo.Context, param, code string) (string, error) {
	v := c.Param(param)
	if strings.Contains(v, "/") {
		return "", echo.ErrNotFound
	}
	if !models.ValidID(v) {
		return "", httpx.BadRequest(code, param, "%s %q is not an id: an id is 24 lowercase hexadecimal digits.", param, shortForMessage(v))
	}
	return v, nil
}

// pathClusterName reads and checks a cluster name from the path.
func pathClusterName(name string) (string, error) {
	n, err := url.PathUnescape(name)
	if err != nil || !models.ValidClusterName(n) {
		return "", httpx.BadRequest("INVALID_CLUSTER_NAME", "clusterName", "Cluster name %q is not valid: it starts with a letter or digit and holds only letters, digits and hyphens (at most 64).", shortForMessage(name))
	}
	return n, nil
}

// shortForMessage shortens a value quoted back in an error message to at
// most 80 bytes and "...", cut between characters, so that the message
// stays valid UTF-8. (models' clip is another thing: it cuts what is
// stored to a number of characters.)
func shortForMessage(s string) string {
	const most = 80
	if len(s) <= most {
		return s
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
