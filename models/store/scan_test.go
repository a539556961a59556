package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"supportaccess/models"
)

// TestEachStatementSelectsWhatItScans runs every hand-written statement
// that selects columns, on each database, and compares the columns the
// database returns with the targets the store scans them into: as many,
// in the same order, each named as its target's field (the columns of
// literals and expressions, which the database names as it likes, are
// listed for each statement and checked by number and scan alone).
func TestEachStatementSelectsWhatItScans(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		res, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs})
		if err != nil {
			t.Fatal(err)
		}
		staff, _, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		sa, secret, err := f.s.CreateServiceAccount(ctx, f.owner, models.CredentialRequest{OrgID: f.org.ID, Description: "tf", Role: models.OrgReadOnly})
		if err != nil {
			t.Fatal(err)
		}
		bearer, _, err := f.s.IssueAccessToken(ctx, sa.ClientID, secret)
		if err != nil {
			t.Fatal(err)
		}
		session := mustSession(t, f, f.owner.ID)
		if _, err := f.s.CreateUser(ctx, "reader@acme.test", "a long enough password", f.org.ID, models.ProjectReadOnly, f.prod.ID); err != nil {
			t.Fatal(err)
		}
		other, err := f.s.CreateOrg(ctx, "Other Org")
		if err != nil {
			t.Fatal(err)
		}
		var (
			cluster        models.Cluster
			grant          models.Grant
			org            models.Organization
			project        models.Project
			projects       projectRow
			counts         clusterCountRow
			version        projectsVersion
			projectWithOrg projectOrgRow
			byName         clusterByNameRow
			role           roleRow
			resume         resumeRow
			staffRow       nullStaff
			state          decisionStateRow
			account        models.ServiceAccount
			settings       OrgSettings
			member         ProjectMember
			policy         policyRow
			alertFor       alertForRow
		)
		cases := []struct {
			name    string
			q       query
			args    []any
			row     any   // what the targets point into
			targets []any // as the store scans the statement
			unnamed []int // literal or expression columns, or of UNION parts that name them apart
		}{
			{"qClusterForChange", qClusterForChange, []any{f.prod.ID, "analytics"}, &cluster, clusterTargets(&cluster), nil},
			{"qOpenGrant", qOpenGrant, []any{res.Grant.ClusterID}, &grant, grantTargets(&grant), nil},
			{"qOrgForView", qOrgForView, []any{f.org.ID}, &org, orgTargets(&org), nil},
			{"orgsQuery", orgsQuery(2), []any{f.org.ID, other.ID}, &org, orgTargets(&org), nil},
			{"qProject", qProject, []any{f.prod.ID}, &project, projectTargets(&project), nil},
			{"qProjects", qProjects, []any{f.org.ID}, &projects, projects.targets(), nil},
			{"qProjectCounts", qProjectCounts, []any{f.org.ID}, &counts, counts.targets(), []int{1}},
			{"qProjectsVersion", qProjectsVersion, []any{f.org.ID}, &version, version.targets(), []int{0, 1}},
			{"qProjectWithOrg", qProjectWithOrg, []any{f.prod.ID}, &projectWithOrg, projectWithOrg.targets(), nil},
			{"qProjectClusters", qProjectClusters, []any{f.prod.ID}, &cluster, clusterTargets(&cluster), nil},
			{"qProjectOpenGrants", qProjectOpenGrants, []any{f.prod.ID}, &grant, grantTargets(&grant), nil},
			{"qClusterByName", qClusterByName, []any{"analytics", f.prod.ID}, &byName, byName.targets(), nil},
			{"qUserRoles", qUserRoles, []any{f.owner.ID, f.owner.ID}, &role, role.targets(), []int{0, 1}},
			{"qResumeSession", qResumeSession, []any{models.SecretHash(session.ID), models.SecretHash(session.ID), models.SecretHash(session.ID)}, &resume, resume.targets(), []int{0, 6, 7, 8, 9}},
			{"qSupportStaffByToken", qSupportStaffByToken, []any{staff.TokenHash}, &staffRow, staffRow.targets(), nil},
			{"qDecisionState", qDecisionState, []any{f.prod.ID, "analytics", staff.TokenHash}, &state, state.targets(), nil},
			{"qPolicy", qPolicy, []any{f.org.ID}, &policy, policy.targets(), nil},
			{"qLockOrg", qLockOrg, []any{f.org.ID}, &org, []any{&org.ID}, nil},
			{"qOrgSettings", qOrgSettings, []any{f.org.ID}, &settings, settingsTargets(&settings), []int{4, 5}},
			{"qProjectMembers", qProjectMembers, []any{f.prod.ID}, &member, []any{&member.UserID, &member.Email, &member.Role, &member.CreatedAt}, []int{0}},
			{"qAlertsFor", qAlertsFor, []any{f.prod.ID, string(models.EventGranted), true}, &alertFor, alertFor.targets(), nil},
			{"qExpiringGrant", qExpiringGrant, []any{res.Grant.ID}, &grant, []any{&grant.ClosedAt}, nil},
			{"qTokenPrincipal", qTokenPrincipal, []any{models.SecretHash(bearer), int64(models.At(f.clock))}, &account, tokenPrincipalTargets(&account), nil},
		}
		cases = append(cases, sealScanCases(t, f)...) // seal_test.go
		db := f.s.db.WithContext(ctx)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				want, err := targetColumns(tc.row, tc.targets)
				if err != nil {
					t.Fatal(err)
				}
				rows, err := readRows(db, tc.q, tc.args...)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				got, err := rows.Columns()
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("selects %d columns %q, scans %d", len(got), got, len(want))
				}
				for i := range got {
					if !slices.Contains(tc.unnamed, i) && got[i] != want[i].name {
						t.Errorf("column %d is %s, scanned into the field of %s", i, got[i], want[i].name)
					}
				}
				if !rows.Next() {
					t.Fatalf("no row: %v", rows.Err())
				}
				if err := rows.Scan(tc.targets...); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}
