package store

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"supportaccess/models"
)

// TestLogCountsReadOnlyIndexEntries: on SQLite, whose planner has no
// statistics, the count of every Support Access Log query the console
// offers with two filters is read from one index's entries alone
// (COVERING INDEX), not from a row of the table per match: the rows of
// one cluster or one scope lie all over a large log.
func TestLogCountsReadOnlyIndexEntries(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	yes := true
	for name, df := range map[string]models.DecisionFilter{
		"cluster and outcome": {ClusterName: "orders-prod", Allowed: &yes},
		"cluster and scope":   {ClusterName: "orders-prod", Scope: models.ScopeInfrastructure},
		"cluster and project": {ClusterName: "orders-prod", ProjectID: f.prod.ID},
		"project and outcome": {ProjectID: f.prod.ID, Allowed: &yes},
		"project and scope":   {ProjectID: f.prod.ID, Scope: models.ScopeInfrastructure},
		"scope and outcome":   {Scope: models.ScopeInfrastructure, Allowed: &yes},
		"outcome":             {Allowed: &yes},
		"case":                {CaseNumber: "01234567"},
	} {
		t.Run(name, func(t *testing.T) {
			df.OrgID = f.org.ID
			scope, err := f.s.decisionScope(ctx, f.owner.Principal, df)
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			stmt := f.s.db.WithContext(ctx).ToSQL(func(tx *gorm.DB) *gorm.DB {
				return tx.Table("(?) AS m", scope.query().Select("1").Limit(251)).Count(&n)
			})
			var plan []struct {
				ID, Parent, Notused int
				Detail              string
			}
			// EXPLAIN checks no schema version: on a connection of the
			// pool opened before the migrations it plans against the
			// schema that connection read then. A read on the same
			// connection first brings it up to date.
			err = f.s.db.Connection(func(c *gorm.DB) error {
				if err := c.Exec("SELECT count(*) FROM sqlite_master").Error; err != nil {
					return err
				}
				return c.Raw("EXPLAIN QUERY PLAN " + stmt).Scan(&plan).Error
			})
			if err != nil {
				t.Fatal(err)
			}
			var details []string
			for _, p := range plan {
				details = append(details, p.Detail)
			}
			if got := strings.Join(details, "; "); !strings.Contains(got, "USING COVERING INDEX access_decisions_org_") {
				t.Errorf("%s\nis planned as %s", stmt, got)
			}
		})
	}
}
