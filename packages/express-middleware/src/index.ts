// The public API of this package lands with its issue; until then the package exports nothing (see README.md).
export {};
