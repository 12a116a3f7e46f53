package cyclegan4j.backend.cuda;

/** A raw device address as a kernel argument: a place inside a block that is not a buffer of its own (a chunk table in its arena). */
record DeviceAddress(long address) {
}
