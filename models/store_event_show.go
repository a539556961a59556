package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Event returns one event of an organization, or of one of its projects
// when projectID is set, by id, if p may see it: the event every list
// answer's self link names. What p may not see, and an event of another
// organization or project, is "not found", as in Events.
func (s *Store) Event(ctx context.Context, p Principal, orgID, projectID, id string) (Event, error) {
	if !CanViewOrg(p, orgID) {
		return Event{}, errNoOrg()
	}
	q, err := s.visibleToOrProject(ctx, s.DB.WithContext(ctx).Model(&Event{}), p, orgID, projectID)
	if err != nil {
		return Event{}, err
	}
	var e Event
	if err := q.Where("id = ?", id).First(&e).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Event{}, Errorf(ENOTFOUND, "No event with that id.")
		}
		return Event{}, fmt.Errorf("event: %w", err)
	}
	return e, nil
}
