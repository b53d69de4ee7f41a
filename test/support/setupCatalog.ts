// jest reads the catalog as the build does: catalog/ from disk, through the zod
// schemas, on first use in each test file (synchronously, like the CLI).
import * as fs from "fs";
import * as path from "path";
import { buildCatalogData } from "../../src/core/catalogBuild";
import { useCatalogSource } from "../../src/core/catalogData";

const dir = path.resolve(__dirname, "../../catalog");
useCatalogSource(() => buildCatalogData({ list: (d) => fs.readdirSync(path.join(dir, d)), read: (f) => fs.readFileSync(path.join(dir, f), "utf8") }));
