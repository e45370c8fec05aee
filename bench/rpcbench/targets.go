package rpcbench

// Targets is every stack rpcbench knows, in the order a run takes them at
// each concurrency: our stack first, then the baselines.
func Targets() []Target {
	return []Target{
		Dagger("loopback"), Dagger("udp"),
		DaggerBlocking("loopback"), DaggerBlocking("udp"),
		GRPC(), NetRPC(),
	}
}
