// zod compiles fast validators with `new Function` unless told not to; the task
// pane's Content-Security-Policy forbids eval, so validate without it. Every
// module that parses with zod imports this first.
import { z } from "zod";

z.config({ jitless: true });
