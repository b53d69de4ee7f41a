// zod compiles fast validators with `new Function` unless told not to; the task
// pane's Content-Security-Policy forbids eval, so validate without it. The
// schemas use zod's tree-shakable "mini" API (the pane ships only the checks it
// uses), which carries no messages of its own: load the English ones, so an
// issue zod words itself reads as it always has. Every module that parses with
// zod imports this first.
import * as z from "zod/mini";
import { en } from "zod/locales";

z.config({ jitless: true, ...en() });
