// The Node builds (dist/cli.js and the accuracy, bench and docs scripts) carry
// catalog.json in their bundle, validated when they were built
// (scripts/catalogAsset.js); it is parsed on first use, synchronously.
import { useCatalogSource } from "../core/catalogData";

declare const __CATALOG_JSON__: string;

useCatalogSource(() => JSON.parse(__CATALOG_JSON__));
