import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface LocalFile {
  /** Path inside the package folder, with `/`. */
  path: string;
  bytes: Buffer;
  md5: string;
}

/** Every file of a package folder (hidden files skipped); the folder must hold datapackage.json. */
export async function readPackageFolder(folder: string): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if ((await stat(path)).isDirectory()) await walk(path);
      else {
        const bytes = await readFile(path);
        files.push({ path: relative(folder, path).split(sep).join('/'), bytes, md5: createHash('md5').update(bytes).digest('base64') });
      }
    }
  };
  await walk(folder);
  if (!files.some((file) => file.path === 'datapackage.json')) throw new Error(`${folder} has no datapackage.json`);
  return files;
}

/** Rows the package's CSV resources hold, roughly (lines less one header each): the progress bar's total. */
export function estimatedRows(files: LocalFile[]): number {
  return files.filter((file) => /\.csv$/i.test(file.path)).reduce((sum, file) => sum + Math.max(0, file.bytes.toString('utf8').split(/\r\n|\n|\r/).filter(Boolean).length - 1), 0);
}
