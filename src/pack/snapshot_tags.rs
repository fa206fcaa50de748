// The encoding of a prepared pack tree, shared by its writer (`build.rs`, which includes this
// file) and its reader (`src/pack/snapshot.rs`): a node is its line and column (varints), a tag
// byte and its payload. A string is the varint offset and length of its bytes in the file's
// string text (each distinct string written once); arrays are a varint count and nodes; tables
// a varint count and entries (key string, key line and column, value node).
pub const STR: u8 = 0;
pub const NUMBER: u8 = 1;
pub const FALSE: u8 = 2;
pub const TRUE: u8 = 3;
pub const DATE: u8 = 4;
pub const ARRAY: u8 = 5;
pub const TABLE: u8 = 6;
