package atlasapi_test

import (
	"encoding/json"
	"testing"

	"supportaccess/handlers/atlasapi"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestMultiFactorRequirementIsRealThroughTheAPI: multiFactorAuthRequired
// is stored and read back, only an owner changes it, and each change is an
// activity event.
func TestMultiFactorRequirementIsRealThroughTheAPI(t *testing.T) {
	f := handlertest.NewAPI(t)
	ownerPub, ownerPriv := f.Key(f.Org.ID, models.OrgOwner)
	owner := handlertest.DigestClient(ownerPub, ownerPriv)
	memberPub, memberPriv := f.Key(f.Org.ID, models.OrgMember)
	member := handlertest.DigestClient(memberPub, memberPriv)
	path := "/api/atlas/v2/orgs/" + f.Org.ID + "/settings"
	read := func(b []byte) atlasapi.APISettings {
		t.Helper()
		var s atlasapi.APISettings
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("settings: %v %s", err, b)
		}
		return s
	}
	if status, b, _ := f.Call(member, "PATCH", path, `{"multiFactorAuthRequired":true}`); status != 403 {
		t.Fatalf("a member requires MFA: %d %s", status, b)
	}
	status, b, _ := f.Call(owner, "PATCH", path, `{"multiFactorAuthRequired":true}`)
	if s := read(b); status != 200 || !s.MultiFactorAuthRequired {
		t.Fatalf("an owner requires MFA: %d %s", status, b)
	}
	if _, b, _ := f.Call(owner, "GET", path, ""); !read(b).MultiFactorAuthRequired {
		t.Fatalf("read back: %s", b)
	}
	// Terraform sends every setting: the same value again changes nothing.
	f.Call(owner, "PATCH", path, `{"multiFactorAuthRequired":true,"restrictEmployeeAccess":false}`)
	status, b, _ = f.Call(owner, "PATCH", path, `{"multiFactorAuthRequired":false}`)
	if status != 200 || read(b).MultiFactorAuthRequired {
		t.Fatalf("an owner makes MFA optional: %d %s", status, b)
	}
	evs, _, err := f.Store.Events(t.Context(), models.Operator(f.Org.ID), models.EventFilter{OrgID: f.Org.ID,
		Types: []models.EventType{models.EventMFARequired, models.EventMFAOptional}, PerPage: 10})
	if err != nil || len(evs) != 2 {
		t.Fatalf("%d MFA events, want 2 (on, off): %v", len(evs), err)
	}
}
