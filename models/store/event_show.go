package store

import (
	"supportaccess/models"

	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Event returns one event of an organization, or of one of its projects
// when projectID is set, by id, if p may see it: the event every list
// answer's self link names. What p may not see, and an event of another
// organization or project, is "not found", as in Events.
func (s *Store) Event(ctx context.Context, p models.Principal, orgID, projectID, id string) (models.Event, error) {
	if !models.CanViewOrg(p, orgID) {
		return models.Event{}, models.ErrNoOrg()
	}
	q, err := s.visibleToOrProject(ctx, s.db.WithContext(ctx).Model(&models.Event{}), p, orgID, projectID)
	if err != nil {
		return models.Event{}, err
	}
	var e models.Event
	if err := q.Where("id = ?", id).First(&e).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return models.Event{}, models.Errorf(models.ENOTFOUND, "No event with that id.")
		}
		return models.Event{}, fmt.Errorf("event: %w", err)
	}
	return e, nil
}
