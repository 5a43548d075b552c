// Reading apt's answers about the packages the guest image is made of (pure: the text in, facts out).

export interface AptPackage {
  name: string;
  version: string;
  architecture: string;
  /** The raw `Depends:` field ('' when absent). */
  depends: string;
}

/** Every stanza of `apt-cache show --no-all-versions PKG…` (the candidate version of each package). */
export function parseAptShow(aptCacheShow: string): AptPackage[] {
  return aptCacheShow.split(/\n\s*\n/).filter((s) => s.trim() !== '').map((stanza) => {
    const field = (name: string): string | undefined => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(stanza)?.[1]?.trim();
    const need = (name: string): string => {
      const v = field(name);
      if (v === undefined || v === '') throw new Error(`apt-cache show: no ${name} field in:\n${stanza.trim()}`);
      return v;
    };
    return { name: need('Package'), version: need('Version'), architecture: need('Architecture'), depends: field('Depends') ?? '' };
  });
}

/**
 * The versioned kernel image package a metapackage (`linux-image-amd64`) depends on, with the exact version
 * when the dependency pins one (`(= 6.1.192-3)`, as Debian's metapackages do).
 */
export function kernelDependency(meta: AptPackage): { name: string; version?: string } {
  for (const alt of meta.depends.split(/[,|]/)) {
    const m = /^\s*(linux-image-[0-9][^\s(]*)\s*(?:\(\s*=\s*([^\s)]+)\s*\))?/.exec(alt);
    if (m) return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, version: m[2] };
  }
  throw new Error(`${meta.name} ${meta.version} depends on no linux-image-<version> package (Depends: ${meta.depends})`);
}

/** The file name `apt-get download` gives a package (the epoch's colon is URL-encoded). */
export function debFileName(p: Pick<AptPackage, 'name' | 'version' | 'architecture'>): string {
  return `${p.name}_${p.version.replace(/:/g, '%3a')}_${p.architecture}.deb`;
}
