// Choosing a local file in the H5 console: a hidden <input type="file">, read as base64 (what
// the import endpoints take). The mini-program has no such picker: imports are a console task.
export type PickedFile = { name: string; size: number; base64: string };

export const pickFile = (accept: string): Promise<PickedFile | null> =>
  new Promise((resolve, reject) => {
    if (typeof document === 'undefined') {
      resolve(null);
      return;
    }
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.id = 'import-file-input';
    input.style.display = 'none';
    document.body.appendChild(input);
    input.onchange = () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return resolve(null);
      const reader = new FileReader();
      reader.onload = () => {
        const url = String(reader.result ?? '');
        resolve({ name: file.name, size: file.size, base64: url.slice(url.indexOf(',') + 1) });
      };
      reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
      reader.readAsDataURL(file);
    };
    input.click();
  });
