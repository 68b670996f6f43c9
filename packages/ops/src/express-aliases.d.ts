// Test-only aliases: Express 4 and 5 are installed side by side as `express4` and `express5`.
declare module 'express4' {
  import express from 'express';
  export default express;
}
declare module 'express5' {
  import express from 'express';
  export default express;
}
