// The bundle's source map cut down to the workspace's own code. Nine in ten of its segments map the
// bundled npm packages, and Node parses the whole map the first time anything formats an error
// stack: 0.3 s of a core, during which the replica answers nobody; without them about 0.04 s. A frame
// in the workspace's code still reads as its TypeScript source; one inside a package keeps its place
// in the bundle (dist/main.js:line:column), which is where the package's code is.
import { decode, encode } from "@jridgewell/sourcemap-codec";

const isPackageSource = (source) => source.includes("node_modules/");

/**
 * A source map (JSON text) with each run of segments into packages replaced by one segment that maps
 * to nothing. Not simply dropped: Node takes the nearest segment before a position, so a package's
 * code after the workspace's would otherwise read as the workspace line before it.
 */
export function withoutPackageMappings(mapText) {
  const map = JSON.parse(mapText);
  const isPackage = map.sources.map(isPackageSource);
  let isInPackage = false;
  const lines = decode(map.mappings).map((segments) => {
    const kept = [];
    for (const segment of segments) {
      const [generatedColumn, sourceIndex] = segment;
      if (sourceIndex !== undefined && !isPackage[sourceIndex]) {
        kept.push(segment);
        isInPackage = false;
      } else if (!isInPackage) {
        kept.push([generatedColumn]);
        isInPackage = true;
      }
    }
    return kept;
  });
  return JSON.stringify({ ...map, mappings: encode(lines) });
}
