fetch('/api/products').then(r => r.json()).then(items => {
  const ul = document.getElementById('products');
  for (const p of items) {
    const li = document.createElement('li');
    li.textContent = `${p.name}: ${p.price}`;
    ul.appendChild(li);
  }
});
