using Terrain.Data;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

public sealed class Alignment(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public AppDbContext Db => db;

    public AccessPolicy Access => access;

    public TimeProvider Clock => clock;
}
