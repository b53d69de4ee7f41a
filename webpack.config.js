// Builds the Node entry points (CLI, accuracy report, benchmark) into dist/.
const path = require("path");
const webpack = require("webpack");

module.exports = () => ({
  target: "node20",
  mode: "production",
  entry: {
    cli: "./src/cli/index.ts",
    accuracy: "./scripts/accuracy.ts",
    bench: "./scripts/bench.ts",
  },
  output: { path: path.resolve(__dirname, "dist"), filename: "[name].js", clean: false },
  resolve: { extensions: [".ts", ".js", ".json"] },
  module: { rules: [{ test: /\.ts$/, loader: "ts-loader", options: { transpileOnly: true }, exclude: /node_modules/ }] },
  optimization: { minimize: false },
  plugins: [new webpack.BannerPlugin({ banner: "#!/usr/bin/env node", raw: true, entryOnly: true, include: /cli\.js$/ })],
  performance: { hints: false },
});
