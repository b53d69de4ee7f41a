// npm run docs: rewrites docs/functions.md from the built functions.json,
// evaluating each example through the registered functions.
import * as fs from "fs";
import * as path from "path";
import { excelCaller } from "./excelCall";
import { renderFunctionDocs } from "./functionDocs";
import { loadRegisteredFunctions } from "./registeredFunctions";

void loadRegisteredFunctions().then(({ functions, registry }) => {
  const out = path.resolve(__dirname, "../docs/functions.md");
  fs.writeFileSync(out, renderFunctionDocs(functions, "FIT", excelCaller(functions, registry) as never));
  console.log(`wrote ${out} (${functions.length} functions)`);
});
