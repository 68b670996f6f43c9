// Express 4 is installed beside Express 5 as `express4` (typed as Express 5's API, which the suite's app also fits).
declare module 'express4' {
  import express from 'express';
  export default express;
}
