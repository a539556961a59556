package atlasapi

// What the package's external tests read of its insides: the shapes its
// answers decode into, and how long a nonce lives.
type (
	APICluster = apiCluster
	APILink    = apiLink
)

const NonceLifetime = nonceLifetime
