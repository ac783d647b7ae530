/** Replaced by esbuild with the Node version the package ships (see build.mjs). */
declare const __PINNED_NODE_VERSION__: string;
