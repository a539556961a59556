package atlasapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestAlertConfigsRoundTripAsAtlasWritesThem: create, list, read, replace
// with the masked secret read back, disable, delete; the secret is never
// answered.
func TestAlertConfigsRoundTripAsAtlasWritesThem(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	c := handlertest.DigestClient(pub, priv)
	base := "/api/atlas/v2/groups/" + f.Prod.ID + "/alertConfigs"
	create := `{"eventTypeName":"EMPLOYEE_ACCESS_GRANTED","enabled":true,
		"matchers":[{"fieldName":"CLUSTER_NAME","operator":"STARTS_WITH","value":"orders"}],
		"notifications":[{"typeName":"WEBHOOK","webhookUrl":"https://hooks.acme.test/in","webhookSecret":"very-secret-1","delayMin":0,"intervalMin":60},
			{"typeName":"EMAIL","emailAddress":"oncall@acme.test","delayMin":5,"intervalMin":60}]}`
	status, b, resp := f.Call(c, "POST", base, create)
	if status != 201 || !strings.Contains(resp.Header.Get("Content-Type"), "2023-01-01") {
		t.Fatalf("create: %d %s", status, b)
	}
	if strings.Contains(string(b), "very-secret-1") {
		t.Fatalf("the answer shows the secret: %s", b)
	}
	var made map[string]any
	if err := json.Unmarshal(b, &made); err != nil {
		t.Fatal(err)
	}
	id, _ := made["id"].(string)
	if !models.ValidID(id) || made["groupId"] != f.Prod.ID || made["enabled"] != true {
		t.Fatalf("created: %s", b)
	}
	status, b, _ = f.Call(c, "GET", base, "")
	var page struct {
		Results    []map[string]any
		TotalCount int
	}
	if err := json.Unmarshal(b, &page); status != 200 || err != nil {
		t.Fatalf("list: %d %s", status, b)
	}
	if page.TotalCount != len(models.DefaultAlertEvents)+1 {
		t.Fatalf("%d alerts listed, want the defaults and the new one", page.TotalCount)
	}
	status, b, _ = f.Call(c, "GET", base+"/"+id, "")
	if status != 200 || !strings.Contains(string(b), `"webhookSecret":"****"`) {
		t.Fatalf("read: %d %s", status, b)
	}
	// PUT back what was read, with another event type.
	replaced := strings.Replace(string(b), "EMPLOYEE_ACCESS_GRANTED", "EMPLOYEE_ACCESS_REVOKED", 1)
	if status, b, _ = f.Call(c, "PUT", base+"/"+id, replaced); status != 200 || !strings.Contains(string(b), "EMPLOYEE_ACCESS_REVOKED") {
		t.Fatalf("replace: %d %s", status, b)
	}
	got, err := f.Store.AlertConfig(t.Context(), models.Operator(f.Org.ID), f.Prod.ID, id)
	if err != nil || got.Notifications[0].WebhookSecret != "very-secret-1" {
		t.Fatalf("after the PUT the secret is %q (%v)", got.Notifications[0].WebhookSecret, err)
	}
	if status, b, _ = f.Call(c, "PATCH", base+"/"+id, `{"enabled":false}`); status != 200 || !strings.Contains(string(b), `"enabled":false`) {
		t.Fatalf("disable: %d %s", status, b)
	}
	if status, b, _ = f.Call(c, "DELETE", base+"/"+id, ""); status != 204 {
		t.Fatalf("delete: %d %s", status, b)
	}
	if status, _, _ = f.Call(c, "GET", base+"/"+id, ""); status != 404 {
		t.Fatalf("read after delete: %d", status)
	}
}

// TestBadAlertConfigsAreRefusedNamingTheField: 400 with the field named,
// nothing stored.
func TestBadAlertConfigsAreRefusedNamingTheField(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	c := handlertest.DigestClient(pub, priv)
	base := "/api/atlas/v2/groups/" + f.Prod.ID + "/alertConfigs"
	email := `{"typeName":"EMAIL","emailAddress":"oncall@acme.test"}`
	alert := func(event, notification string) string {
		return `{"eventTypeName":"` + event + `","enabled":true,"notifications":[` + notification + `]}`
	}
	cases := []struct{ name, body, code, field, says string }{
		{"unknown event", alert("CLUSTER_DELETED", email), "INVALID_ATTRIBUTE", "eventTypeName", "Unknown event type"},
		{"slack", alert("EMPLOYEE_ACCESS_GRANTED", `{"typeName":"SLACK","channelName":"#ops"}`), "INVALID_ATTRIBUTE", "channelName", ""},
		{"slack alone", alert("EMPLOYEE_ACCESS_GRANTED", `{"typeName":"SLACK"}`), "INVALID_ATTRIBUTE", "notifications.0.typeName", "not offered by this server"},
		{"pager duty", alert("EMPLOYEE_ACCESS_GRANTED", `{"typeName":"PAGER_DUTY"}`), "INVALID_ATTRIBUTE", "notifications.0.typeName", "not offered by this server"},
		{"sms", alert("EMPLOYEE_ACCESS_GRANTED", `{"typeName":"SMS"}`), "INVALID_ATTRIBUTE", "notifications.0.typeName", "not offered by this server"},
		{"bad email", alert("EMPLOYEE_ACCESS_GRANTED", `{"typeName":"EMAIL","emailAddress":"oncall"}`), "INVALID_ATTRIBUTE", "notifications.0.emailAddress", "not an email address"},
		{"ftp webhook", alert("EMPLOYEE_ACCESS_GRANTED", `{"typeName":"WEBHOOK","webhookUrl":"ftp://hooks.acme.test","webhookSecret":"very-secret-1"}`), "INVALID_ATTRIBUTE", "notifications.0.webhookUrl", "http"},
		{"javascript webhook", alert("EMPLOYEE_ACCESS_GRANTED", `{"typeName":"WEBHOOK","webhookUrl":"javascript:alert(1)","webhookSecret":"very-secret-1"}`), "INVALID_ATTRIBUTE", "notifications.0.webhookUrl", "http"},
		{"sms enabled", alert("EMPLOYEE_ACCESS_GRANTED", `{"typeName":"GROUP","roles":["GROUP_OWNER"],"smsEnabled":true}`), "INVALID_ATTRIBUTE", "notifications.0.smsEnabled", "text messages"},
		{"unknown matcher field", `{"eventTypeName":"EMPLOYEE_ACCESS_GRANTED","matchers":[{"fieldName":"HOSTNAME","operator":"EQUALS","value":"a"}],"notifications":[` + email + `]}`, "INVALID_ATTRIBUTE", "matchers.0.fieldName", "CLUSTER_NAME"},
		{"no notifications", `{"eventTypeName":"EMPLOYEE_ACCESS_GRANTED","notifications":[]}`, "INVALID_ATTRIBUTE", "notifications", ""},
		{"enabled not a boolean", `{"eventTypeName":"EMPLOYEE_ACCESS_GRANTED","enabled":"yes","notifications":[` + email + `]}`, "INVALID_ATTRIBUTE", "enabled", ""},
		{"not JSON", `{"eventTypeName":`, "INVALID_JSON", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.TableCounts()
			status, b, _ := f.Call(c, "POST", base, tc.body)
			e := handlertest.APIErr(t, 400, b)
			if status != 400 || e.ErrorCode != tc.code || !strings.Contains(e.Detail, tc.says) {
				t.Fatalf("%d %s", status, b)
			}
			if tc.field != "" && (e.BadRequestDetail == nil || e.BadRequestDetail.Fields[0].Field != tc.field) {
				t.Errorf("badRequestDetail does not name %s: %s", tc.field, b)
			}
			if after := f.TableCounts(); !equalCounts(before, after) {
				t.Errorf("storage changed: %v -> %v", before, after)
			}
		})
	}
	if status, b, _ := f.Call(c, "PATCH", base+"/"+strings.Repeat("ab", 12), `{}`); status != 400 || !strings.Contains(string(b), "enabled") {
		t.Fatalf("PATCH without enabled: %d %s", status, b)
	}
	if status, b, _ := f.Call(c, "GET", base+"/not-an-id", ""); status != 400 || !strings.Contains(string(b), "INVALID_ALERT_CONFIG_ID") {
		t.Fatalf("bad alert id: %d %s", status, b)
	}
}
