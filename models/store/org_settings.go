package store

import (
	"supportaccess/models"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Besides the block setting, an organization keeps the generative AI
// setting of the Atlas schema. Nothing on this server uses generative AI;
// the setting is kept only so that a client reads back what it wrote:
// Terraform's organization resource sends true unless told otherwise, and
// would plan the change again on every run if it read anything else.
//
// The setting has a table of its own, not a column of organizations, so
// that the organization every clusters row carries (and every statement
// that reads one) stays as it is (schema version 10).

// OrgSettings is an organization with the settings kept beside it.
type OrgSettings struct {
	Org models.Organization
	// GenAIFeaturesEnabled is kept as sent and has no effect here.
	GenAIFeaturesEnabled bool
	// MFARequired is "Require multi-factor authentication"
	// (multiFactorAuthRequired): members without a second factor enrol
	// one at their next login before anything else (mfa_login.go).
	MFARequired bool
}

// OrgSettingsChange names the settings a change sets; a nil field leaves
// its setting as it is.
type OrgSettingsChange struct {
	Block                *bool
	GenAIFeaturesEnabled *bool
	MFARequired          *bool
}

var (
	// An organization without a row has never changed the setting: false.
	qOrgSettings = newQuery(`SELECT `+orgCols+`, COALESCE(s.gen_ai_features_enabled, FALSE), COALESCE(s.mfa_required, FALSE)
		FROM organizations o LEFT JOIN org_settings s ON s.org_id = o.id WHERE o.id = ?`, "")
	qSetGenAI = newQuery(`INSERT INTO org_settings (org_id, gen_ai_features_enabled) VALUES (?, ?)
		ON CONFLICT (org_id) DO UPDATE SET gen_ai_features_enabled = excluded.gen_ai_features_enabled`, "")
	qSetMFARequired = newQuery(`INSERT INTO org_settings (org_id, mfa_required) VALUES (?, ?)
		ON CONFLICT (org_id) DO UPDATE SET mfa_required = excluded.mfa_required`, "")
)

// OrgSettings returns an organization's settings to anyone who may see it.
func (s *Store) OrgSettings(ctx context.Context, p models.Principal, orgID string) (OrgSettings, error) {
	if !models.CanViewOrg(p, orgID) {
		return OrgSettings{}, models.ErrNoOrg()
	}
	return readOrgSettings(s.db.WithContext(ctx), orgID)
}

// settingsTargets are the scan targets of qOrgSettings.
func settingsTargets(st *OrgSettings) []any {
	return append(orgTargets(&st.Org), &st.GenAIFeaturesEnabled, &st.MFARequired)
}

func readOrgSettings(db *gorm.DB, orgID string) (OrgSettings, error) {
	var out OrgSettings
	err := queryRow(db, qOrgSettings, orgID).Scan(settingsTargets(&out)...)
	if errors.Is(err, sql.ErrNoRows) {
		return OrgSettings{}, models.ErrNoOrg()
	}
	if err != nil {
		return OrgSettings{}, fmt.Errorf("organization settings: %w", err)
	}
	return out, nil
}

// SetOrgSettings changes the settings ch names, all in one transaction, and
// returns the settings after the change. Only an organization owner may,
// as for SetBlock; a change of the block setting writes its event as
// SetBlock does, the generative AI setting none (it changes nothing here).
func (s *Store) SetOrgSettings(ctx context.Context, a models.Actor, orgID string, ch OrgSettingsChange) (OrgSettings, error) {
	if !models.CanViewOrg(a.Principal, orgID) {
		return OrgSettings{}, models.ErrNoOrg()
	}
	if !models.CanChangeBlock(a.Principal, orgID) {
		return OrgSettings{}, models.Errorf(models.EFORBIDDEN, "Only an Organization Owner can change this organization's settings.")
	}
	var out OrgSettings
	err := s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if out, err = readOrgSettings(tx, orgID); err != nil {
			return err
		}
		if ch.Block != nil {
			if out.Org, err = setBlock(tx, now, a, orgID, *ch.Block); err != nil {
				return err
			}
		}
		if ch.GenAIFeaturesEnabled != nil {
			if _, err := exec(tx, qSetGenAI, orgID, *ch.GenAIFeaturesEnabled); err != nil {
				return fmt.Errorf("organization settings: %w", err)
			}
			out.GenAIFeaturesEnabled = *ch.GenAIFeaturesEnabled
		}
		if ch.MFARequired != nil && *ch.MFARequired != out.MFARequired {
			if err := setMFARequired(tx, now, a, orgID, *ch.MFARequired); err != nil {
				return err
			}
			out.MFARequired = *ch.MFARequired
		}
		return nil
	})
	return out, err
}

// setMFARequired turns the organization's second factor requirement on or
// off, with its event, in tx. A person who turns it on must have a second
// factor themselves, so that the owner is not the first one locked out
// of a login they cannot finish.
func setMFARequired(tx *gorm.DB, now time.Time, a models.Actor, orgID string, on bool) error {
	if on && a.Kind == models.ActorUser {
		f, err := factorsOf(tx, a.ID)
		if err != nil {
			return err
		}
		if !f.Any() {
			return models.FieldError("multiFactorAuthRequired", "Set up a second factor for yourself first (Account security), then require one of everyone.")
		}
	}
	if _, err := exec(tx, qSetMFARequired, orgID, on); err != nil {
		return fmt.Errorf("organization settings: %w", err)
	}
	t := models.EventMFAOptional
	if on {
		t = models.EventMFARequired
	}
	return insertEvent(tx, now, models.Event{OrgID: orgID, Type: t}, a)
}
