package models

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// A second factor: an authenticator app (TOTP, RFC 6238, with recovery
// codes) or a passkey (WebAuthn). The rules of checking them are here;
// storage is the store's.

const (
	// TOTPPeriod and TOTPSkew: a code is good for its 30-second step and
	// one step either side, for a phone's clock a little off.
	TOTPPeriod = 30
	TOTPSkew   = 1
	// RecoveryCodeCount is how many recovery codes an enrolment makes.
	RecoveryCodeCount = 10
	// PendingLoginLifetime is how long a login that passed the password
	// may take to pass its second factor (or to enrol one).
	PendingLoginLifetime = 10 * time.Minute
	// StepUpWindow is how recent a second factor check must be for a
	// sensitive change (a sync-data grant, the policy); an older one is
	// asked for again.
	StepUpWindow = 15 * time.Minute
	// Issuer names the console in authenticator apps.
	Issuer = "Support Access Console"
)

// LoginStage is where a login that passed the password stands.
type LoginStage string

// The stages of a pending login.
const (
	// StageVerify: the user has a second factor and must present it.
	StageVerify LoginStage = "VERIFY"
	// StageEnrol: an organization of theirs requires a second factor and
	// they have none: they must enrol one before anything else.
	StageEnrol LoginStage = "ENROL"
)

// PendingLogin is a login half done: the password was right, the second
// factor is still to come. It is not a session and reaches nothing but the
// second factor's pages. The id is the SHA-256 of the cookie's token.
type PendingLogin struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	Stage     LoginStage
	Next      string
	Device    string
	CreatedAt Instant
	ExpiresAt Instant
}

// TOTPSecret is a user's authenticator app; it counts only once confirmed
// with a first code. LastStep is the newest time step a code was accepted
// for: a code of that step or an older one is a replay.
type TOTPSecret struct {
	UserID      string `gorm:"primaryKey"`
	Secret      string
	ConfirmedAt Instant
	LastStep    int64
	CreatedAt   Instant
}

// TOTPSetupReuse is how long a secret being set up, not yet confirmed,
// is shown again on the set-up page rather than replaced.
const TOTPSetupReuse = 30 * time.Minute

// ReusableForSetup reports whether t is a secret still being set up at
// now, which the set-up page shows again: reloading the page (a GET)
// must not undo a QR code already scanned.
func (t TOTPSecret) ReusableForSetup(now time.Time) bool {
	return t.UserID != "" && t.ConfirmedAt.IsZero() && now.Sub(t.CreatedAt.Time()) < TOTPSetupReuse
}

// TableName keeps GORM's name for the table the schema creates.
func (TOTPSecret) TableName() string { return "totp_secrets" }

// RecoveryCode is one single-use code, kept as the SHA-256 of its
// normalized text (80 random bits: a fast hash is enough).
type RecoveryCode struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	UsedAt    Instant
	CreatedAt Instant
}

var totpOpts = totp.ValidateOpts{Period: TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPKey makes a fresh authenticator secret for account.
func NewTOTPKey(account string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: account, Period: TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// TOTPURL is the otpauth:// address of a secret, which the QR code holds
// and authenticator apps read.
func TOTPURL(secret, account string) string {
	v := url.Values{"secret": {secret}, "issuer": {Issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + url.PathEscape(Issuer+":"+account) + "?" + v.Encode()
}

// TOTPStep is the time step of now.
func TOTPStep(now time.Time) int64 { return now.Unix() / TOTPPeriod }

// MatchTOTP returns the step a code is right for, within the skew of now
// and newer than lastStep, and whether there is one. A code already
// accepted (its step at or before lastStep) never matches again.
func MatchTOTP(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false
	}
	cur := TOTPStep(now)
	for step := cur - TOTPSkew; step <= cur+TOTPSkew; step++ {
		if step <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*TOTPPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// TOTPCode is the code of secret at t, as an app shows it (for tests and
// tools).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewRecoveryCodes makes RecoveryCodeCount codes of 80 random bits each,
// written as four groups of four letters and digits.
func NewRecoveryCodes() []string {
	out := make([]string, RecoveryCodeCount)
	for i := range out {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		s := strings.ToLower(recoveryEncoding.EncodeToString(b))
		out[i] = s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
	}
	return out
}

// RecoveryCodeHash is what is kept of a recovery code: the hash of its
// text without case, spaces or dashes, so that any way of typing it works.
func RecoveryCodeHash(code string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(code) {
		if r != '-' && r != ' ' {
			b.WriteRune(r)
		}
	}
	return SecretHash("recovery:" + b.String())
}

// LooksLikeTOTP reports whether what a person typed is an app's code
// rather than a recovery code.
func LooksLikeTOTP(code string) bool {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ErrWrongCode is the one answer for a second factor code that is wrong,
// spent or replayed.
func ErrWrongCode() *Error {
	return Errorf(EUNAUTHORIZED, "That code is not right, or was already used. Enter the current code from your app, or an unused recovery code.")
}
