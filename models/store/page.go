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

// newestFirst counts the rows q selects and loads one page of them, newest
// first. Pages count from 1; a page size of zero or less means defaultPerPage.
func newestFirst[T any](q *gorm.DB, page, perPage, defaultPerPage int) ([]T, int64, error) {
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	if perPage <= 0 {
		perPage = defaultPerPage
	}
	if page <= 0 {
		page = 1
	}
	var out []T
	err := q.Order("created_at DESC, id DESC").Limit(perPage).Offset((page - 1) * perPage).Find(&out).Error
	return out, total, err
}
