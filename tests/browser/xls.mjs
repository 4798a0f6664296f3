// A minimal BIFF8 .xls writer for the browser tests: one sheet of text and number cells
// (LABEL and NUMBER records, Unicode texts) in a version-3 compound file (512-byte sectors, the
// `Workbook` stream in regular sectors: tests write streams of 4,096 bytes or more).

const BOF = 0x0809;
const EOF = 0x000a;
const CODEPAGE = 0x0042;
const XF = 0x00e0;
const BOUNDSHEET8 = 0x0085;
const LABEL = 0x0204;
const NUMBER = 0x0203;

const u16 = (v) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
const u32 = (v) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
const record = (type, data) => Buffer.concat([u16(type), u16(data.length), data]);
const bof = (dt) => Buffer.concat([u16(0x0600), u16(dt), Buffer.alloc(12)]);
/** An XLUnicodeString: character count, flags (UTF-16), characters. */
const unicode = (s) => Buffer.concat([u16(s.length), Buffer.from([1]), Buffer.from(s, "utf16le")]);

/** The BIFF8 workbook stream of one sheet named `name` holding `rows` (arrays of strings, numbers
 * or "" for an empty cell). */
function workbookStream(name, rows) {
  const sheetName = Buffer.from(name, "utf16le");
  const boundsheet = (at) => Buffer.concat([u32(at), Buffer.from([0, 0, name.length, 1]), sheetName]);
  const globals = [record(BOF, bof(0x0005)), record(CODEPAGE, u16(1200))];
  for (let i = 0; i < 17; i += 1) globals.push(record(XF, Buffer.alloc(20)));
  const globalsLen = globals.reduce((n, b) => n + b.length, 0) + record(BOUNDSHEET8, boundsheet(0)).length + 4;
  globals.push(record(BOUNDSHEET8, boundsheet(globalsLen)), record(EOF, Buffer.alloc(0)));
  const sheet = [record(BOF, bof(0x0010))];
  rows.forEach((values, r) =>
    values.forEach((v, c) => {
      const head = Buffer.concat([u16(r), u16(c), u16(15)]);
      if (typeof v === "number") {
        const n = Buffer.alloc(8);
        n.writeDoubleLE(v);
        sheet.push(record(NUMBER, Buffer.concat([head, n])));
      } else if (v !== "") {
        sheet.push(record(LABEL, Buffer.concat([head, unicode(v)])));
      }
    }),
  );
  sheet.push(record(EOF, Buffer.alloc(0)));
  return Buffer.concat([...globals, ...sheet]);
}

/** `stream` as the `Workbook` stream of a version-3 compound file. */
function compoundFile(stream) {
  const SECTOR = 512;
  const END = 0xfffffffe;
  const FREE = 0xffffffff;
  const FAT_SECT = 0xfffffffd;
  const data = Math.ceil(stream.length / SECTOR);
  // Sectors: the stream, one directory sector, then the FAT's own sectors.
  let fatSectors = 1;
  while (fatSectors * 128 < data + 1 + fatSectors) fatSectors += 1;
  if (fatSectors > 109) throw new Error("stream too large for a FAT without DIFAT");
  const dir = data;
  const fat = new Array(fatSectors * 128).fill(FREE);
  for (let i = 0; i < data; i += 1) fat[i] = i + 1 < data ? i + 1 : END;
  fat[dir] = END;
  for (let i = 0; i < fatSectors; i += 1) fat[dir + 1 + i] = FAT_SECT;

  const header = Buffer.alloc(SECTOR);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x003e, 24); // minor version
  header.writeUInt16LE(0x0003, 26); // major version 3
  header.writeUInt16LE(0xfffe, 28); // byte order
  header.writeUInt16LE(9, 30); // 512-byte sectors
  header.writeUInt16LE(6, 32); // 64-byte mini sectors
  header.writeUInt32LE(fatSectors, 44);
  header.writeUInt32LE(dir, 48);
  header.writeUInt32LE(4096, 56); // mini stream cutoff
  header.writeUInt32LE(END, 60); // no mini FAT
  header.writeUInt32LE(END, 68); // no DIFAT sectors
  for (let i = 0; i < 109; i += 1) header.writeUInt32LE(i < fatSectors ? dir + 1 + i : FREE, 76 + 4 * i);

  const entry = (name, type, child, start, size) => {
    const e = Buffer.alloc(128);
    if (name) {
      Buffer.from(`${name}\0`, "utf16le").copy(e, 0);
      e.writeUInt16LE((name.length + 1) * 2, 64);
    }
    e.writeUInt8(type, 66);
    e.writeUInt8(1, 67); // black
    e.writeUInt32LE(FREE, 68); // left sibling
    e.writeUInt32LE(FREE, 72); // right sibling
    e.writeUInt32LE(child, 76);
    e.writeUInt32LE(start, 116);
    e.writeUInt32LE(size, 120);
    return e;
  };
  const directory = Buffer.concat([
    entry("Root Entry", 5, 1, END, 0),
    entry("Workbook", 2, FREE, 0, stream.length),
    entry("", 0, FREE, FREE, 0),
    entry("", 0, FREE, FREE, 0),
  ]);
  const body = Buffer.alloc(data * SECTOR);
  stream.copy(body);
  const fatBytes = Buffer.alloc(fatSectors * SECTOR);
  fat.forEach((v, i) => fatBytes.writeUInt32LE(v, 4 * i));
  return Buffer.concat([header, body, directory, fatBytes]);
}

/** An .xls of one sheet `name` holding `rows`. */
export function xls(name, rows) {
  return compoundFile(workbookStream(name, rows));
}
