package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// SeedLoad creates an organization with many projects and clusters in one
// transaction, for benchmarks. It creates no user, credential or grant and
// leaves the block setting off: whoever drives the load gets access the
// usual way (operator commands, the Admin API). It refuses an organization
// name that exists, like CreateOrg.
func (s *Store) SeedLoad(ctx context.Context, l models.LoadSeed) (models.Organization, error) {
	if l.Projects < 1 || l.Projects > 1000 || l.Clusters < 0 || l.Clusters > 10000 {
		return models.Organization{}, models.Errorf(models.EINVALID, "A load seed has 1 to 1000 projects of 0 to 10000 clusters.")
	}
	var org models.Organization
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		org, err = s.inTx(tx).CreateOrg(ctx, l.OrgName)
		if err != nil {
			return err
		}
		now := s.now()
		for i := 1; i <= l.Projects; i++ {
			p := models.Project{ID: models.NewID(now), OrgID: org.ID, Name: fmt.Sprintf("project-%02d", i), CreatedAt: models.At(now)}
			if err := tx.Create(&p).Error; err != nil {
				return err
			}
			cs := make([]models.Cluster, l.Clusters)
			for j := range cs {
				cs[j] = models.Cluster{ID: models.NewID(now), ProjectID: p.ID, Name: fmt.Sprintf("cluster-%03d", j+1),
					ClusterType: "REPLICASET", MongoDBVersion: "8.0.4", StateName: "IDLE",
					SyncEnabled: j%4 == 0, CreatedAt: models.At(now.Add(time.Duration(j)))}
			}
			if len(cs) > 0 {
				// No bumpProjectVersion: the project is created above, in
				// this transaction, so no store can have kept its clusters
				// at any version, and the new project itself changes its
				// organization's project list version. Clusters added to a
				// project that already exists must bump its version.
				//
				// 100 rows of 9 columns stay under SQLite's 999 variables.
				if err := tx.CreateInBatches(cs, 100).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		if models.ErrorCode(err) != models.EINTERNAL {
			return models.Organization{}, err
		}
		return models.Organization{}, fmt.Errorf("seed load: %w", err)
	}
	return org, nil
}
