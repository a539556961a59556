package store

import (
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// inTimeRange narrows q to rows created within [min, max]; a zero bound is open.
func inTimeRange(q *gorm.DB, min, max time.Time) *gorm.DB {
	if !min.IsZero() {
		q = q.Where("created_at >= ?", models.At(min))
	}
	if !max.IsZero() {
		q = q.Where("created_at <= ?", models.At(max))
	}
	return q
}

// newestFirst loads one page of the rows scope selects, newest first, and
// counts them all when count is set. Pages count from 1. Page n steps
// over the (n-1) × perPage rows before it in the filter's index: what a
// deep page costs. Without the count, the total is the rows up to this
// page's end, plus one when more follow, which is what a next link needs.
func newestFirst[T any](scope logScope, page, perPage int, count bool) ([]T, int64, error) {
	if page <= 0 {
		page = 1
	}
	offset := (page - 1) * perPage
	var out []T
	if err := scope.query().Order("created_at DESC, id DESC").Limit(perPage + 1).Offset(offset).Find(&out).Error; err != nil {
		return nil, 0, err
	}
	more := len(out) > perPage
	out = out[:min(len(out), perPage)]
	total := int64(offset + len(out))
	if more {
		total++
	}
	if !count {
		return out, total, nil
	}
	if err := scope.query().Count(&total).Error; err != nil {
		return nil, 0, err
	}
	return out, total, nil
}
