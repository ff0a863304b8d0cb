using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Terrain.Domain;

namespace Terrain.Data;

/// <summary>
/// Every decimal in the model is money and is stored as whole cents (ADR 0012): exact on both databases, and SQL can
/// sum and sort it. The conversion is linear, so SUM, MIN, MAX and ORDER BY over cents read back as the right amount.
/// </summary>
public sealed class CentsConverter() : ValueConverter<decimal, long>(amount => Money.ToCents(amount), cents => Money.FromCents(cents));
