// Finding paths in CDK's terms: `$.Resources.TD.Properties.ContainerDefinitions[0].Memory` is
// `Properties/ContainerDefinitions/0/Memory` relative to its resource (the CDK report's
// `locations`, as aws-cdk-lib's own plugin writes them).

/** The segments of a JSON path (`$.a["b.c"][0]` → ['a', 'b.c', '0']). */
export function pathSegments(path) {
  const segments = [];
  const pattern = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of path.slice(1).matchAll(pattern)) {
    segments.push(match[1] ?? match[2] ?? JSON.parse(match[3]));
  }
  return segments;
}

/** `path` below `resourcePath`, slash-separated; the whole path when it is not below it. */
export function violationLocation(path, resourcePath) {
  const inner = pathSegments(path);
  const outer = pathSegments(resourcePath);
  const below = outer.every((segment, index) => inner[index] === segment);
  return (below ? inner.slice(outer.length) : inner).join('/');
}
