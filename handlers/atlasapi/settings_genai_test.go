package atlasapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"supportaccess/handlers/atlasapi"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestGenAISettingIsKeptAsSent: Terraform's organization resource sends
// genAIFeaturesEnabled true unless told otherwise; it is stored and read
// back as sent (it has no effect here), with the owner-only rule of the
// other settings. The settings this server cannot honour are still
// refused, with a message that says why.
func TestGenAISettingIsKeptAsSent(t *testing.T) {
	f := handlertest.NewAPI(t)
	ownerPub, ownerPriv := f.Key(f.Org.ID, models.OrgOwner)
	owner := handlertest.DigestClient(ownerPub, ownerPriv)
	memberPub, memberPriv := f.Key(f.Org.ID, models.OrgMember)
	member := handlertest.DigestClient(memberPub, memberPriv)
	otherPub, otherPriv := f.Key(f.Other.ID, models.OrgOwner)
	other := handlertest.DigestClient(otherPub, otherPriv)
	path := "/api/atlas/v2/orgs/" + f.Org.ID + "/settings"
	read := func(c string) atlasapi.APISettings {
		t.Helper()
		var s atlasapi.APISettings
		if err := json.Unmarshal([]byte(c), &s); err != nil {
			t.Fatalf("settings: %v %s", err, c)
		}
		return s
	}

	terraform := `{"apiAccessListRequired":false,"multiFactorAuthRequired":false,"restrictEmployeeAccess":true,"genAIFeaturesEnabled":true,"securityContact":""}`
	status, b, _ := f.Call(owner, "PATCH", path, terraform)
	if s := read(string(b)); status != 200 || !s.GenAIFeaturesEnabled || !s.RestrictEmployeeAccess {
		t.Fatalf("PATCH as Terraform sends it: %d %s", status, b)
	}
	_, b, _ = f.Call(member, "GET", path, "")
	if s := read(string(b)); !s.GenAIFeaturesEnabled || !s.RestrictEmployeeAccess {
		t.Fatalf("read back: %s", b)
	}
	status, b, _ = f.Call(owner, "PATCH", path, `{"genAIFeaturesEnabled":false}`)
	if s := read(string(b)); status != 200 || s.GenAIFeaturesEnabled || !s.RestrictEmployeeAccess {
		t.Fatalf("PATCH of generative AI alone (the block stays): %d %s", status, b)
	}

	before := f.TableCounts()
	for _, r := range []struct {
		name   string
		c      func() (int, []byte)
		status int
	}{
		{"member", func() (int, []byte) {
			s, b, _ := f.Call(member, "PATCH", path, `{"genAIFeaturesEnabled":true}`)
			return s, b
		}, 403},
		{"other org", func() (int, []byte) {
			s, b, _ := f.Call(other, "PATCH", path, `{"genAIFeaturesEnabled":true}`)
			return s, b
		}, 404},
		{"other org reads", func() (int, []byte) { s, b, _ := f.Call(other, "GET", path, ""); return s, b }, 404},
	} {
		if status, b := r.c(); status != r.status {
			t.Errorf("%s: %d %s, want %d", r.name, status, b, r.status)
		} else {
			handlertest.APIErr(t, status, b)
		}
	}
	_, b, _ = f.Call(owner, "GET", path, "")
	if read(string(b)).GenAIFeaturesEnabled || !equalCounts(before, f.TableCounts()) {
		t.Errorf("a refused change was kept: %s", b)
	}

	for field, body := range map[string]string{
		"apiAccessListRequired": `{"restrictEmployeeAccess":true,"apiAccessListRequired":true}`,
		"securityContact":       `{"restrictEmployeeAccess":true,"securityContact":"sec@acme.test"}`,
	} {
		status, b, _ := f.Call(owner, "PATCH", path, body)
		e := handlertest.APIErr(t, 400, b)
		if status != 400 || e.BadRequestDetail == nil || e.BadRequestDetail.Fields[0].Field != field || !strings.Contains(e.Detail, "This server cannot") {
			t.Errorf("%s: %d %s, want a 400 that says the server cannot honour it", field, status, b)
		}
	}
	_, b, _ = f.Call(owner, "GET", path, "")
	if s := read(string(b)); s.GenAIFeaturesEnabled || s.APIAccessListRequired || s.SecurityContact != "" {
		t.Errorf("a refused request changed a setting: %s", b)
	}
}
