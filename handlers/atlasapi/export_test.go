package atlasapi

// What the package's external tests read of its insides: the shapes its
// answers decode into, and how long a nonce lives.
type (
	APICluster = apiCluster
	APILink    = apiLink
)

const NonceLifetime = nonceLifetime

// APISettings is an organization's settings as the API shows them.
type APISettings = apiSettings

// APIEvent is an event as the API shows it.
type APIEvent = apiEvent

// APITime is how the API writes an instant.
var APITime = apiTime
