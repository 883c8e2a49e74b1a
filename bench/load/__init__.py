"""The load generator: N widget visitors and M agent consoles over real sockets (wire contract
v1), split over several client processes so the client is never the bottleneck."""
