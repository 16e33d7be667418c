console.log("bench/proxy.mjs: not written yet"); process.exit(1);
